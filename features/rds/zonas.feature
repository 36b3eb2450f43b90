# language: es
@actividad:rds
Característica: La base de datos tiene subredes en dos zonas de disponibilidad
  AWS exige que el grupo de subredes de RDS cubra al menos dos zonas de
  disponibilidad: ahí pone la réplica en espera de Multi-AZ, y ahí puede
  restaurar la base de datos si una zona cae. Un grupo en una sola zona hace
  fallar terraform apply.

  @id:rds-subnet-group-2az @puntos:2
  Escenario: El grupo de subredes de RDS cubre al menos dos zonas de disponibilidad
    Pista: crea una subred privada para la base de datos en cada zona (por
    ejemplo con availability_zone = data.aws_availability_zones.disponibles.names[count.index])
    y pon las dos en el subnet_ids del aws_db_subnet_group; comprueba que no
    copiaste la misma zona en las dos.

    Dadas las instancias RDS
    Entonces su grupo de subredes cubre al menos dos zonas de disponibilidad
