# language: es
@actividad:ecs
Característica: Los contenedores dejan sus logs en CloudWatch
  Sin logs no hay forma de saber por qué una tarea se reinicia. Con el driver
  awslogs, ECS manda lo que el contenedor escribe a un grupo de CloudWatch
  Logs; si ese grupo no existe, la tarea ni siquiera arranca.

  @id:ecs-awslogs @puntos:2
  Escenario: Cada contenedor escribe con awslogs en un grupo de logs del proyecto
    Pista: en cada contenedor, logConfiguration = { logDriver = "awslogs",
    options = { awslogs-group = aws_cloudwatch_log_group.app.name,
    awslogs-region = var.region, awslogs-stream-prefix = "app" } }, y el
    aws_cloudwatch_log_group declarado en el proyecto (con retención).

    Dadas las definiciones de tarea en uso
    Entonces cada contenedor escribe con awslogs en un grupo de logs del proyecto
