# language: es
@actividad:observabilidad
Característica: El clúster ECS mide lo que hacen sus tareas
  Sin Container Insights, CloudWatch no guarda la CPU ni la memoria de cada
  tarea: cuando una se reinicia o va lenta, no hay con qué ver por qué.

  @id:obs-container-insights @puntos:1
  Escenario: El clúster ECS tiene Container Insights activado
    Pista: añade al aws_ecs_cluster un bloque setting { name =
    "containerInsights", value = "enabled" } ("enhanced" también vale, y mide
    más).

    Dados los clústeres ECS
    Entonces tienen Container Insights activado
