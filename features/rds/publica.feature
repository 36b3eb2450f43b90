# language: es
@actividad:rds
Característica: La base de datos no es accesible desde internet
  Una instancia RDS con publicly_accessible recibe un nombre DNS que resuelve
  a una IP pública, y en una subred con ruta al internet gateway cualquiera
  en internet puede intentar conectar: solo la separa su grupo de seguridad.
  En subredes privadas y sin IP pública, nadie fuera de la VPC la alcanza.

  @id:rds-not-public @puntos:3
  Escenario: RDS no es accesible públicamente y vive en subredes privadas
    Pista: pon publicly_accessible = false (o quítalo: es lo que Terraform
    pone si no se dice) y crea un aws_db_subnet_group solo con las subredes
    privadas, las que salen por el NAT gateway y no tienen ruta al internet
    gateway; dáselo a la instancia con db_subnet_group_name. Sin grupo de
    subredes, RDS la pone en las subredes de la VPC por defecto, que son
    públicas.

    Dadas las instancias RDS
    Entonces ninguna es accesible públicamente
    Y todas sus subredes son privadas
