"""Rules 3 and 4 (cloudgrade: ecs-no-env-secrets, ecs-secrets-from-secrets-manager)
as checkov Python checks.

Why Python and not a YAML policy: checkov leaves a container_definitions built
with jsonencode() and references (the DB address, the secret's ARN) as one
unrendered string, and its YAML solvers report any value holding `${...}` as
unknown. A Python check gets that string and can read it.

Expressed: no `environment` entry whose name is secret-like (the same regex as
bench/terraform-compliance); every container has `secrets`, each with a
valueFrom naming a Secrets Manager secret or an SSM parameter. Not expressed
(cloudgrade does them): secret values recognised by format (AWS keys, PEM,
JWT, user:password@ URLs) or entropy, a `sensitive` variable in environment
whatever its name, the secret existing in the project, and the execution
role being allowed to read it, scoped to its ARN: a resource check sees one
resource, and a graph policy cannot reach into the string.
"""

import json
import re

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

SECRET_NAME = re.compile(
    r"(?i)^(?!.*_(ARN|FILE|SECRET_ID|SECRET_NAME)$)(.*_)?(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIALS?)(_.*)?$"
)
SECRET_SOURCE = re.compile(r"aws_secretsmanager_secret\.|aws_ssm_parameter\.|^arn:aws:(secretsmanager|ssm):")


def _from_rendering(text):
    """All containers of an unparseable rendering taken as one: the env names of
    them all, and their secrets only if every container has a `secrets` list."""
    names, pairs, lists = [], [], 0
    for env in re.findall(r"""['"]environment['"]\s*:\s*\[([^\]]*)\]""", text):
        names += re.findall(r"""['"]name['"]\s*:\s*['"]?([^'",}]*)""", env)
    for secrets in re.findall(r"""['"]secrets['"]\s*:\s*\[([^\]]*)\]""", text):
        lists += 1
        for entry in re.findall(r"\{([^}]*)\}", secrets):
            frm = re.search(r"""['"]valueFrom['"]\s*:\s*['"]?([^'",}]*)""", entry)
            pairs.append(frm.group(1) if frm else "")
    containers = len(re.findall(r"""['"]image['"]\s*:""", text)) or 1
    return names, (pairs if lists >= containers else None)


def _containers(conf):
    """Each container as (env names, its valueFroms or None without `secrets`),
    or None if there is nothing to read."""
    raw = (conf.get("container_definitions") or [None])[0]
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return [_from_rendering(raw)]
    if isinstance(raw, dict):
        raw = [raw]
    # checkov hands a jsonencode([...]) it could render as a list inside the
    # attribute's list: [[{...}, ...]].
    while isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], list):
        raw = raw[0]
    if not isinstance(raw, list):
        return None
    out = []
    for c in raw:
        if not isinstance(c, dict):
            continue
        names = [e.get("name", "") for e in c.get("environment") or [] if isinstance(e, dict)]
        secrets = c.get("secrets")
        pairs = None
        if secrets is not None:
            pairs = [str(s.get("valueFrom", "")) for s in secrets if isinstance(s, dict)]
        out.append((names, pairs))
    # No container read is nothing judged, never a pass.
    return out or None


class _ContainerCheck(BaseResourceCheck):
    """A task definition passes when every container passes `container_ok`."""

    def __init__(self, name, check_id):
        super().__init__(
            name=name,
            id=check_id,
            categories=[CheckCategories.SECRETS],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf):
        containers = _containers(conf)
        if containers is None:
            return CheckResult.UNKNOWN
        if all(self.container_ok(names, pairs) for names, pairs in containers):
            return CheckResult.PASSED
        return CheckResult.FAILED


class NoSecretsInEnvironment(_ContainerCheck):
    def __init__(self):
        super().__init__("Regla 3: ningún contenedor lleva secretos en su environment", "CKV_CG_5")

    def container_ok(self, names, _pairs):
        return not any(SECRET_NAME.match(n) for n in names)


class SecretsFromSecretsManager(_ContainerCheck):
    def __init__(self):
        super().__init__(
            "Regla 4: las credenciales llegan por secrets con valueFrom de Secrets Manager", "CKV_CG_6"
        )

    def container_ok(self, _names, pairs):
        return bool(pairs) and all(SECRET_SOURCE.search(frm) for frm in pairs)


no_secrets_in_environment = NoSecretsInEnvironment()
secrets_from_secrets_manager = SecretsFromSecretsManager()
