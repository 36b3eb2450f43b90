# language: es
@actividad:rds
Característica: La base de datos solo acepta conexiones de las tareas ECS
  PostgreSQL en RDS no es accesible desde internet ni desde el resto de la
  VPC: solo el grupo de seguridad de las tareas ECS abre conexiones a su
  puerto, y ese camino funciona de verdad (grupos de seguridad y network ACL
  en los dos sentidos).

  @id:rds-only-from-ecs @puntos:10
  Escenario: RDS es accesible solo desde el grupo de seguridad de las tareas ECS
    Pista: en el grupo de seguridad de la base de datos deja una única regla de
    entrada: TCP 5432 con source_security_group_id = el grupo de las tareas
    ECS (nunca cidr_blocks, ni 0.0.0.0/0 ni el CIDR de la VPC); pon
    publicly_accessible = false y el aws_db_subnet_group en las subredes
    privadas. Las network ACL no guardan estado: la respuesta vuelve por los
    puertos efímeros 1024-65535 y también debe estar permitida.

    Dadas las instancias RDS
    Entonces ninguna es accesible públicamente
    Y todas sus subredes son privadas
    Y solo aceptan conexiones desde el grupo de seguridad de las tareas ECS
    Y las tareas ECS pueden conectar con ellas en su puerto
