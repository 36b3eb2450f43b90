# language: es
@actividad:ecs
Característica: La aplicación corre en Fargate
  El ejercicio pide un servicio ECS Fargate: AWS pone y mantiene las
  máquinas, y cada tarea tiene su propia interfaz de red (awsvpc) con sus
  grupos de seguridad. Fargate solo acepta definiciones de tarea que lo
  declaran y que piden uno de los tamaños que vende.

  @id:ecs-fargate-awsvpc @puntos:3
  Escenario: Los servicios ECS corren en Fargate con red awsvpc
    Pista: en el aws_ecs_service, launch_type = "FARGATE" (o una
    capacity_provider_strategy con FARGATE o FARGATE_SPOT); en su
    aws_ecs_task_definition, requires_compatibilities = ["FARGATE"],
    network_mode = "awsvpc" y un par cpu/memory que Fargate venda, como
    cpu = "256" y memory = "512" (con 512 de CPU, de 1024 a 4096).

    Dados los servicios ECS
    Entonces cada uno corre en Fargate, en red awsvpc, con un tamaño que Fargate acepta
