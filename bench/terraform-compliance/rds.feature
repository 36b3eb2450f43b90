# Rule 2 (cloudgrade: rds-only-from-ecs) for terraform-compliance.
#
# A rule belongs to the database when it opens its port: 5432, written here
# because the DB instance's port is another resource's value, and only as an
# exact from_port (the When steps compare values, they cannot test that a
# range covers a port). Such a rule must name a source security group and
# no CIDR or prefix list; an inline ingress block of a group that a DB
# instance uses must have no CIDR.
#
# Not expressed (cloudgrade does them): that the source group is the ECS
# service's (the rule references a group, the group is referenced by the
# service: two hops), that ECS can really connect (its egress and the
# network ACLs both ways), publicly_accessible and the DB subnets being
# private.
Feature: Regla 2: RDS solo acepta conexiones desde el grupo de seguridad de las tareas ECS

  @regla2
  Scenario: Las reglas aws_vpc_security_group_ingress_rule del puerto de la base de datos no admiten CIDR
    Given I have aws_vpc_security_group_ingress_rule defined
    When its from_port is 5432
    Then it must not have cidr_ipv4
    And it must not have cidr_ipv6
    And it must not have prefix_list_id
    And it must have referenced_security_group_id

  @regla2
  Scenario: Las reglas aws_security_group_rule del puerto de la base de datos no admiten CIDR
    Given I have aws_security_group_rule defined
    When its type is ingress
    When its from_port is 5432
    Then it must not have cidr_blocks
    And it must not have ipv6_cidr_blocks
    And it must have source_security_group_id

  @regla2
  Scenario: El grupo de seguridad de una instancia RDS no tiene entradas desde un CIDR
    Given I have aws_security_group defined
    When it has aws_db_instance
    When it contains ingress
    Then it must not have cidr_blocks
    And it must not have ipv6_cidr_blocks
