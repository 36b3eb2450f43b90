# language: es
@actividad:rds
Característica: El usuario maestro de RDS es uno que AWS acepta
  terraform plan no comprueba el nombre del usuario maestro: es AWS quien lo
  rechaza, al crear la instancia, después de minutos de apply. Tiene que
  tener solo letras, números o guiones bajos (hasta 63 en PostgreSQL, 32 en
  MySQL, 16 en MariaDB), empezar por una letra y no ser un nombre reservado.

  @id:rds-master-username-valid @puntos:1
  Escenario: El usuario maestro de RDS es válido
    Pista: usa un nombre como app_user: letras, números y _ (no guiones), que
    empiece por una letra; en PostgreSQL, que no sea admin, ni empiece por
    pg_, ni sea una palabra reservada como user; rdsadmin es de AWS.

    Dadas las instancias RDS
    Entonces su usuario maestro es válido
