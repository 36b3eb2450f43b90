# language: es
@actividad:ecs
Característica: Cada tarea corre la versión de la imagen que se desplegó
  La etiqueta latest cambia con cada push: dos tareas del mismo servicio
  pueden correr código distinto, y volver a la revisión anterior de la
  definición de tarea no vuelve al código anterior.

  @id:ecs-image-pinned @puntos:2
  Escenario: Los contenedores usan imágenes con la versión fijada
    Pista: etiqueta la imagen con su versión o con el commit que la construyó
    (image = "${aws_ecr_repository.app.repository_url}:${var.image_tag}", con
    el SHA que pone el pipeline) y, mejor aún, activa la inmutabilidad de
    etiquetas del repositorio ECR.

    Dadas las definiciones de tarea en uso
    Entonces sus contenedores usan imágenes con la versión fijada
