# language: es
@actividad:seguridad
Característica: Solo el balanceador da la cara a internet
  Lo que admite 0.0.0.0/0 lo encuentra cualquiera, minutos después de
  existir. Un balanceador está hecho para eso: escucha en el 80 y el 443,
  termina el TLS y reparte a las tareas, que no se exponen. Abrir a internet
  el puerto de las tareas, o cualquier otro grupo, salta esa defensa.

  @id:sg-world-only-lb-80-443 @puntos:3
  Escenario: Solo el grupo del balanceador admite internet, y solo en el 80 y el 443
    Pista: deja 0.0.0.0/0 (y ::/0) solo en el aws_security_group del aws_lb,
    en el 443 (y el 80, para redirigir a HTTPS); el grupo de las tareas admite
    su puerto desde ese grupo (security_groups = [aws_security_group.alb.id]),
    no desde un bloque. El ejercicio 4.2 del curso abre el puerto de la tarea
    a internet porque no tiene balanceador: en el estándar del curso es un
    aviso; en producción, un fallo.

    Dados los grupos de seguridad
    Entonces solo el del balanceador admite internet, y solo en el 80 y el 443

  @id:sg-ecs-from-lb-only @puntos:3 @estandar:produccion
  Escenario: Las tareas ECS solo admiten tráfico del balanceador
    Pista: en el grupo de las tareas, una sola regla de entrada: el
    container_port del load_balancer del servicio, desde el grupo del ALB; y
    en el grupo del ALB, una salida a ese puerto hacia el grupo de las tareas
    (Terraform quita la salida por defecto de un aws_security_group). Un
    aws_lb_listener ha de reenviar al grupo de destino, y el grupo ha de ser
    de tipo ip (target_type = "ip"): las tareas Fargate tienen IP propia. El
    curso publica las tareas sin balanceador; en producción todo el tráfico
    entra por él.

    Dados los servicios ECS
    Entonces sus tareas solo admiten al balanceador, en el puerto del contenedor
