# language: es
@actividad:observabilidad
Característica: Los logs caducan
  Un grupo de logs sin retention_in_days guarda sus eventos para siempre, y
  CloudWatch cobra cada mes por lo guardado. El curso pide una semana (7
  días), o hasta un mes.

  @id:obs-log-retention-7-30 @puntos:2
  Escenario: Los grupos de logs guardan sus eventos entre 7 y 30 días
    Pista: pon retention_in_days = 7 en cada aws_cloudwatch_log_group (14 o 30
    también valen; 0 o no ponerlo es nunca).

    Dados los grupos de logs
    Entonces guardan sus eventos entre 7 y 30 días
