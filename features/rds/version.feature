# language: es
@actividad:rds
Característica: RDS recibe los parches de su motor
  AWS publica versiones menores de PostgreSQL con parches de seguridad y las
  aplica solo en la ventana de mantenimiento, si la instancia lo permite.
  Desactivarlo deja la base de datos en la versión del día que se creó.

  @id:rds-auto-minor-upgrade @puntos:1
  Escenario: RDS aplica las versiones menores automáticamente
    Pista: quita auto_minor_version_upgrade = false del aws_db_instance
    (Terraform lo deja activado si no se dice) y, si quieres elegir cuándo,
    pon maintenance_window = "sun:04:00-sun:05:00", fuera de la ventana de
    copias.

    Dadas las instancias RDS
    Entonces aplican las versiones menores automáticamente
