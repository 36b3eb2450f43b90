# language: es
@actividad:ecs
Característica: Un despliegue que falla vuelve solo a la versión que funcionaba
  Sin circuit breaker, ECS reintenta sin fin las tareas de un despliegue que
  no arrancan (una imagen que no existe, un secreto que no se puede leer) y
  el servicio se queda a medias. El curso lo recomienda en sus buenas
  prácticas: «Implementa rollback automático en fallos».

  @id:ecs-circuit-breaker @puntos:1 @bonus
  Escenario: Los servicios ECS vuelven atrás un despliegue fallido
    Pista: en el aws_ecs_service, un bloque deployment_circuit_breaker {
    enable = true, rollback = true }: ECS para el despliegue cuando sus tareas
    fallan y vuelve a la revisión anterior. Con deployment_controller
    CODE_DEPLOY (blue/green) el rollback lo hace CodeDeploy.

    Dados los servicios ECS
    Entonces cada uno vuelve solo atrás de un despliegue fallido
