# Rules 3 and 4 (cloudgrade: ecs-no-env-secrets,
# ecs-secrets-from-secrets-manager) for terraform-compliance, which parses
# the container_definitions JSON string of the plan.
#
# A secret is recognised by its name only (the same regex as
# bench/checkov/ecs_task_secrets.py). Not expressed (cloudgrade does them):
# secret values by format (AWS keys, PEM, JWT, user:password@ URLs) or
# entropy, a `sensitive` variable in environment whatever its name, the
# secret of each valueFrom existing, and the execution role being allowed to
# read it scoped to its ARN. In a first plan container_definitions is
# unknown (it references the DB address and the secret's ARN) and absent
# from the plan, so both scenarios are skipped there.
Feature: Regla 3 y 4: los secretos llegan por secrets, nunca en el environment

  @regla3
  Scenario: Ningún contenedor lleva secretos en su environment
    Given I have aws_ecs_task_definition defined
    When it contains container_definitions
    When it contains environment
    When it contains name
    Then its value must not match the "(?i)^(?!.*_(ARN|FILE|SECRET_ID|SECRET_NAME)$)(.*_)?(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIALS?)(_.*)?$" regex

  @regla4
  Scenario: Las credenciales llegan por secrets con valueFrom de Secrets Manager o SSM
    Given I have aws_ecs_task_definition defined
    When it contains container_definitions
    Then it must contain secrets
    And it must contain valueFrom
    And its value must match the "^arn:aws:(secretsmanager|ssm):" regex
