# language: es
@actividad:ecs
Característica: Las tareas pueden bajar su imagen
  Una tarea de Fargate baja su imagen de ECR y escribe sus logs en
  CloudWatch por internet. Si su subred no tiene salida, o su grupo de
  seguridad no deja salir el 443, la tarea nunca arranca y ECS lo dice con un
  CannotPullContainerError.

  @id:ecs-can-pull-image @puntos:3
  Escenario: Las tareas de los servicios ECS tienen salida para bajar su imagen
    Pista: en subredes privadas, una ruta 0.0.0.0/0 a un NAT gateway; en
    subredes públicas, assign_public_ip = true (el ejercicio 4.2 del curso);
    y en el grupo de las tareas, egress tcp 443 hacia 0.0.0.0/0. Una tarea
    en una subred pública sin IP pública no llega a ECR.

    Dados los servicios ECS
    Entonces sus tareas pueden bajar su imagen: tienen salida a internet y su grupo deja salir el 443
