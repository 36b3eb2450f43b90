# language: es
@actividad:seguridad
Característica: Los grupos de seguridad dicen para qué son
  Un grupo llamado sg-1 con una regla al 5432 no dice a quién deja entrar ni
  por qué. La descripción del grupo y la de cada regla son la documentación
  que ve quien lo revisa en la consola: un compañero, el profesor o tú dentro
  de unos meses.

  @id:sg-descriptions @puntos:1
  Escenario: Cada grupo de seguridad y cada regla tienen descripción
    Pista: pon description en cada aws_security_group (si no, AWS guarda
    «Managed by Terraform») y en cada bloque ingress y egress, o en cada
    aws_security_group_rule o aws_vpc_security_group_ingress_rule: por ejemplo
    «PostgreSQL desde las tareas ECS».

    Dados los grupos de seguridad
    Entonces todos y sus reglas dicen para qué son
