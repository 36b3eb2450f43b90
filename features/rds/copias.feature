# language: es
@actividad:rds
Característica: RDS guarda copias automáticas suficientes
  Las copias automáticas permiten volver a cualquier momento de los últimos
  días (restauración a un punto en el tiempo). El curso pide entre 7 y 35 días:
  AWS guarda solo 1 si no se dice, y 0 las desactiva.

  @id:rds-backups-7-35 @puntos:2
  Escenario: RDS guarda sus copias automáticas entre 7 y 35 días
    Pista: pon backup_retention_period = 7 (o más, hasta 35) en el
    aws_db_instance (o en el aws_rds_cluster de Aurora); sin él, AWS guarda
    un solo día de copias.

    Dadas las instancias RDS
    Entonces guardan sus copias automáticas entre 7 y 35 días
