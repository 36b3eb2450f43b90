# language: es
@actividad:docker
Característica: La imagen Docker se comporta bien al ejecutarla
  La imagen del alumno se ejecuta de verdad en un contenedor: se observa con
  qué usuario corre su proceso principal, si su health check pasa a healthy,
  si responde en /health y cómo se detiene cuando ECS o docker stop le
  envían SIGTERM. Se corrige con cloudgrade grade --image IMAGEN.

  Antecedentes:
    Dada la imagen Docker del alumno

  @id:docker-non-root @puntos:3
  Escenario: El proceso principal no se ejecuta como root
    Pista: crea en la etapa final un usuario sin privilegios (o usa un uid
    numérico) y cámbiate a él con USER, por ejemplo USER 10001:10001. Los
    archivos que la aplicación deba leer tienen que ser legibles por ese
    usuario, y el puerto debe ser mayor que 1024.

    Entonces su proceso principal no se ejecuta como root

  @id:docker-healthcheck @puntos:3
  Escenario: El health check pasa a healthy dentro de su periodo de arranque
    Pista: añade HEALTHCHECK con --interval, --timeout, --start-period y
    --retries, y un CMD que pruebe la aplicación de verdad, por ejemplo
    wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1. Docker no
    hace la primera comprobación hasta que pasa un intervalo.

    Entonces su HEALTHCHECK pasa a healthy dentro de su periodo de arranque

  @id:docker-health-endpoint @puntos:3
  Escenario: GET /health responde 200 en el puerto expuesto
    Pista: declara el puerto de la aplicación con EXPOSE y sirve una ruta
    /health que devuelva 200 cuando la aplicación está lista; es la ruta que
    comprueba el target group del balanceador.

    Entonces GET "/health" responde 200 en el puerto expuesto

  @id:docker-graceful-stop @puntos:3
  Escenario: Se detiene limpiamente tras SIGTERM
    Pista: el PID 1 de un contenedor ignora SIGTERM si no instala un
    manejador. Usa la forma exec de ENTRYPOINT o CMD (con corchetes), o en un
    script de arranque haz exec del servidor o un trap que lo pare y salga
    con código 0.

    Entonces tras SIGTERM termina en 10 segundos como mucho, con código 0 o 143

  @id:docker-no-env-secrets @puntos:5
  Escenario: La configuración de la imagen no lleva secretos
    Pista: lo que pones con ENV queda en la imagen, a la vista de quien pueda
    descargarla (docker inspect). Las contraseñas, claves y tokens llegan al
    arrancar el contenedor: en ECS, con secrets desde Secrets Manager.

    Entonces ninguna variable de entorno de su configuración es un secreto
