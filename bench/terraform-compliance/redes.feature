# Rule 1 (cloudgrade: net-private-egress-nat) for terraform-compliance, which
# reads the plan JSON (`terraform show -json`), not the .tf files.
#
# Which route tables are private: terraform-compliance filters on one
# resource's own values and cannot follow subnet -> association -> route
# table, nor match a tag's value by regex (1.16's "includes an entry where
# ... regex" step fails with a TypeError), so a table is private when its
# Terraform address says so (private/privada). "Then it must (not) have"
# searches the resource's values recursively, including the aws_route
# resources that reference the table, which terraform-compliance mounts into
# it: that is how the separate aws_route gets checked.
#
# Not expressed (cloudgrade does them): the table a subnet really uses (its
# association, else the VPC's main table), longest-prefix matching
# (0.0.0.0/1 + 128.0.0.0/1), the NAT gateway living in a public subnet with a
# public address, and private subnets not assigning public IPs on launch.
# In a first plan (before apply) nat_gateway_id is unknown and absent from
# the plan, so this fails a correct project: the benchmark gives it the
# re-plan after apply, where every value is known.
Feature: Regla 1: las subredes privadas salen a internet solo por un NAT gateway

  @regla1
  Scenario: Una tabla de rutas privada no va a un internet gateway y sale por un NAT gateway
    Given I have aws_route_table defined
    When its address is "(?i).*priva.*" regex
    Then it must not have gateway_id
    And it must have nat_gateway_id
