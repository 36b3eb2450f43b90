# language: es
@actividad:docker
Característica: El Dockerfile sigue las buenas prácticas del curso
  Se lee el Dockerfile sin construirlo: etapas, imágenes base, variables,
  usuario, health check y .dockerignore. Se corrige con cloudgrade grade
  --dockerfile RUTA, junto con --image para ejecutar la imagen.

  Antecedentes:
    Dado el Dockerfile del alumno

  @id:dockerfile-multi-stage @puntos:2
  Escenario: Construye en varias etapas
    Pista: compila en una etapa (FROM imagen:versión AS build) y copia solo
    el resultado a una etapa final pequeña con COPY --from=build; las
    herramientas de compilación y el código fuente no llegan a la imagen.

    Entonces construye en varias etapas y la final copia de otra

  @id:dockerfile-pinned-base @puntos:2
  Escenario: Las imágenes base están fijadas a una versión
    Pista: FROM node o FROM node:latest construyen otra imagen cada vez que
    se publica una versión nueva. Escribe la versión (node:20.11-alpine) o,
    mejor aún, el digest (node@sha256:...).

    Entonces cada imagen base está fijada a una versión

  @id:dockerfile-no-secrets @puntos:3
  Escenario: Ningún ENV ni ARG contiene un secreto
    Pista: un ENV queda en la configuración de la imagen y un ARG en su
    historial (docker history). Para construir con un token usa
    RUN --mount=type=secret; para ejecutar, pásalo al arrancar.

    Entonces ningún ENV ni ARG contiene un secreto

  @id:dockerfile-non-root-user @puntos:2
  Escenario: La etapa final cambia a un usuario sin privilegios
    Pista: añade USER con un usuario que no sea root (USER 10001:10001 o un
    usuario creado con adduser) al final de la última etapa.

    Entonces la etapa final cambia a un USER que no es root

  @id:dockerfile-healthcheck @puntos:2
  Escenario: La etapa final define un HEALTHCHECK
    Pista: HEALTHCHECK --interval=10s --timeout=3s --start-period=15s CMD
    seguido de una orden que falle si la aplicación no responde en /health.

    Entonces la etapa final define un HEALTHCHECK

  @id:dockerfile-dockerignore @puntos:1
  Escenario: Hay un .dockerignore junto al Dockerfile
    Pista: excluye .git, .env, node_modules, target, claves y todo lo que no
    haga falta para construir: se envía entero al constructor y un COPY .
    lo metería en la imagen.

    Entonces tiene un .dockerignore junto al Dockerfile
