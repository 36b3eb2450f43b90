"""ECS, RDS and ELBv2 for community LocalStack, answered by the moto it bundles.

LocalStack's own moto-backed providers forward what they do not implement
to `localstack.services.moto._proxy_moto`; here nothing is implemented, so
every operation of the service's spec goes there. `_proxy_moto` is a
private name: scripts/localstack-constraints.txt pins localstack-core.
"""

from localstack.aws.skeleton import Skeleton
from localstack.aws.spec import load_service
from localstack.services.plugins import Service, aws_provider


def _moto_service(api: str) -> Service:
    from localstack.services.moto import _proxy_moto

    spec = load_service(api)
    table = {op: _proxy_moto for op in spec.operation_names}
    return Service(name=api, skeleton=Skeleton(spec, table))


@aws_provider(api="ecs", name="moto")
def ecs() -> Service:
    return _moto_service("ecs")


@aws_provider(api="rds", name="moto")
def rds() -> Service:
    return _moto_service("rds")


@aws_provider(api="elbv2", name="moto")
def elbv2() -> Service:
    return _moto_service("elbv2")
