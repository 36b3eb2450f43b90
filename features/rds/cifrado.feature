# language: es
@actividad:rds
Característica: Los datos de RDS se guardan cifrados
  El disco de la base de datos, sus copias automáticas y sus snapshots se
  cifran con KMS. Terraform y AWS lo dejan desactivado si no se pide, y no se
  puede activar sobre una instancia que ya existe.

  @id:rds-encrypted @puntos:2
  Escenario: RDS cifra su almacenamiento
    Pista: pon storage_encrypted = true en el aws_db_instance (o en el
    aws_rds_cluster de Aurora); la clave de RDS que gestiona AWS basta, no
    hace falta kms_key_id. Hazlo al crearla: cambiarlo después obliga a
    Terraform a reemplazar la instancia, y con ella sus datos.

    Dadas las instancias RDS
    Entonces todas cifran su almacenamiento
