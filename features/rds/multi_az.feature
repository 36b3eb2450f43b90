# language: es
@actividad:rds
Característica: RDS sobrevive a la caída de una zona
  Con multi_az, RDS mantiene una réplica en espera en otra zona de
  disponibilidad y la promueve sola si la zona de la instancia cae. El curso
  lo deja comentado porque duplica el coste: es un bonus.

  @id:rds-multi-az @puntos:1 @bonus
  Escenario: RDS tiene una réplica en espera en otra zona
    Pista: pon multi_az = true en el aws_db_instance; su grupo de subredes ya
    cubre dos zonas (rds-subnet-group-2az).

    Dadas las instancias RDS
    Entonces tienen una réplica en espera en otra zona
