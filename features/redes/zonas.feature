# language: es
@actividad:redes
Característica: Cada capa de la red está en al menos dos zonas de disponibilidad
  Una zona de disponibilidad es un centro de datos que puede caer entero. Si
  todas las subredes privadas (o todas las públicas) están en la misma zona,
  su caída se lleva consigo las tareas, la base de datos o el NAT y el
  balanceador: la aplicación entera deja de responder.

  @id:net-multi-az @puntos:2
  Escenario: Las subredes privadas y las públicas están cada una en al menos dos zonas
    Pista: crea cada capa en dos zonas por lo menos, una subred por zona, con
    availability_zone = data.aws_availability_zones.disponibles.names[count.index]
    (o zonas escritas a mano, pero distintas); sin availability_zone, AWS elige
    la zona y puede elegir la misma para todas.

    Dadas las subredes privadas
    Entonces están en al menos dos zonas de disponibilidad
    Dadas las subredes públicas
    Entonces están en al menos dos zonas de disponibilidad
