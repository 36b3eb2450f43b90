# language: es
@actividad:ecs
Característica: Los contenedores corren con lo mínimo
  Si alguien entra por la aplicación, lo que puede hacer depende de cómo
  corre el contenedor: como root puede instalar lo que quiera, con la raíz
  escribible puede cambiar sus binarios, y privilegiado llega al host.

  @id:ecs-container-hardening @puntos:1 @bonus
  Escenario: Los contenedores corren sin root, sin privilegios y con la raíz de solo lectura
    Pista: en cada contenedor, readonlyRootFilesystem = true (con un volumen
    para lo que tenga que escribir, como /tmp), user = "1000" (un usuario
    que exista en la imagen) y sin privileged; y la tarea sin pid_mode =
    "host".

    Dadas las definiciones de tarea en uso
    Entonces cada contenedor corre limitado: sin root, sin privilegios y con la raíz de solo lectura
