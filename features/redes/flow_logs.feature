# language: es
@actividad:redes
Característica: El tráfico de la VPC queda registrado
  Cuando una tarea no llega a la base de datos, o algo desconocido llama a
  un puerto, la pregunta es qué paquetes pasaron y cuáles se rechazaron. Solo
  los flow logs de la VPC lo dicen, y solo desde el momento en que existen:
  no se pueden activar hacia atrás.

  @id:net-flow-logs @puntos:1 @bonus
  Escenario: Un flow log registra el tráfico de cada VPC
    Pista: añade un aws_flow_log con vpc_id = aws_vpc.main.id y traffic_type
    = "ALL", que escriba en un aws_cloudwatch_log_group con retención (7 a 30
    días) mediante un iam_role_arn que vpc-flow-logs.amazonaws.com pueda
    asumir. Basta uno por VPC: cubre todas sus subredes.

    Dadas las VPC
    Entonces registran su tráfico en flow logs
