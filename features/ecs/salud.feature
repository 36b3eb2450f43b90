# language: es
@actividad:ecs
Característica: ECS sabe si cada contenedor responde
  Sin healthCheck, ECS solo sabe que el proceso sigue vivo: una aplicación
  colgada sigue recibiendo tráfico. Un healthCheck que prueba otro puerto que
  el del contenedor falla siempre, y ECS reinicia la tarea una y otra vez.

  @id:ecs-container-healthcheck @puntos:2
  Escenario: Cada contenedor que sirve tráfico tiene un healthCheck en su puerto
    Pista: añade al contenedor healthCheck = { command = ["CMD-SHELL",
    "curl -f http://localhost:8080/health || exit 1"] } con el mismo puerto
    que su containerPort (el curso usa var.container_port en los dos), y que
    la imagen tenga curl o wget.

    Dadas las definiciones de tarea en uso
    Entonces cada contenedor que sirve tráfico tiene un healthCheck en su puerto
