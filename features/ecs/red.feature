# language: es
@actividad:ecs
Característica: Las tareas de ECS corren en subredes privadas y sin IP pública
  Una tarea con IP pública en una subred pública está en internet: solo la
  protege su grupo de seguridad, y un error en él la deja expuesta. En
  subredes privadas nadie en internet puede iniciar una conexión hacia ella.

  @id:ecs-private-no-public-ip @puntos:3 @estandar:produccion
  Escenario: Los servicios ECS colocan sus tareas en subredes privadas, sin IP pública
    Pista: el curso (ejercicio 4.2) coloca las tareas en las subredes públicas
    con assign_public_ip = true para que descarguen su imagen sin pagar un NAT
    gateway; en producción eso deja cada tarea a un grupo de seguridad de
    distancia de internet. Pon en network_configuration las subredes privadas
    y assign_public_ip = false: las tareas salen a internet (a ECR, a
    CloudWatch Logs) por el NAT gateway, o por endpoints de VPC.

    Dados los servicios ECS
    Entonces cada uno coloca sus tareas en subredes privadas
    Y ninguno da IP pública a sus tareas
