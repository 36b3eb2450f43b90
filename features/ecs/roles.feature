# language: es
@actividad:ecs
Característica: La aplicación no recibe los permisos del agente de ECS
  El rol de ejecución es el del agente: baja la imagen de ECR y lee los
  secretos para inyectarlos. El rol de tarea es el del código de la
  aplicación. Si son el mismo, la aplicación puede leer todos esos secretos y
  bajar cualquier imagen.

  @id:ecs-task-role-separate @puntos:2
  Escenario: El rol de tarea no es el rol de ejecución
    Pista: crea un segundo aws_iam_role (también con confianza en
    ecs-tasks.amazonaws.com) para task_role_arn, con solo los permisos que la
    aplicación usa, y deja execution_role_arn para el agente.

    Dadas las definiciones de tarea en uso
    Entonces su rol de tarea no es su rol de ejecución
