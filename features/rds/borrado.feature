# language: es
@actividad:rds
Característica: Borrar la base de datos no borra sus datos
  Un terraform destroy de más, o un cambio que reemplaza la instancia, borra
  la base de datos con sus copias automáticas. deletion_protection impide
  borrarla; con ella desactivada, solo un snapshot final guarda los datos.

  @id:rds-deletion-safety @puntos:1 @bonus
  Escenario: RDS no se puede borrar sin dejar una copia
    Pista: pon deletion_protection = true en el aws_db_instance (para borrarla
    habrá que quitarlo antes, a propósito), o skip_final_snapshot = false con un
    final_snapshot_identifier. Ojo: con skip_final_snapshot = true el
    identificador no se usa nunca.

    Dadas las instancias RDS
    Entonces no se pueden borrar sin dejar copia
