# language: es
@actividad:seguridad
Característica: Los grupos de seguridad dejan salir solo lo necesario
  Casi todos los ejemplos dejan salir todo a todas partes. Si alguien entra
  en un contenedor o en la base de datos, esa salida abierta es su camino
  para sacar los datos o descargar lo que quiera. La base de datos no
  necesita ninguna salida (las respuestas vuelven solas: los grupos de
  seguridad tienen estado) y las tareas, solo el 443 y la base de datos.

  @id:sg-egress-minimal @puntos:1 @bonus
  Escenario: Las tareas solo salen al 443 y a la base de datos, y la base de datos no sale
    Pista: quita los bloques egress del grupo de RDS, y en el de las tareas
    cambia la regla protocol = "-1" hacia 0.0.0.0/0 por dos: tcp 443 hacia
    0.0.0.0/0 (ECR, Secrets Manager y CloudWatch por el NAT) y tcp 5432 hacia
    el grupo de la base de datos. El DNS de la VPC no pasa por los grupos de
    seguridad.

    Dados los servicios ECS
    Entonces sus grupos de seguridad solo permiten salir al 443 y a la base de datos
    Dadas las instancias RDS
    Entonces sus grupos de seguridad no permiten ninguna salida
