# language: es
@actividad:rds
Característica: RDS todavía crea la versión del motor que pide el proyecto
  RDS retira las versiones menores de PostgreSQL de la más vieja a la más
  nueva: una versión fijada hoy deja de poder crearse unos meses después, y
  entonces terraform apply falla al crear la base de datos, aunque nada del
  proyecto haya cambiado.

  @id:rds-engine-version-available @puntos:1
  Escenario: La versión del motor de RDS es una que RDS todavía crea
    Pista: pide solo la versión mayor (engine_version = "16"), y RDS crea la
    menor vigente y la mantiene al día con auto_minor_version_upgrade; o
    elige una menor de la lista de aws rds describe-db-engine-versions
    --engine postgres. Los tutoriales fijan una menor (15.3, 16.3) que unos
    meses después RDS ya no crea. Si la instancia usa un grupo de parámetros
    o de opciones propio, ha de ser de su misma versión mayor (family =
    "postgres16"): al subir engine_version, súbelo también.

    Dadas las instancias RDS
    Entonces RDS todavía crea su versión del motor
