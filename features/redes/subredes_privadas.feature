# language: es
@actividad:redes
Característica: Las subredes privadas salen a internet solo por un NAT gateway
  Las tareas de ECS y la base de datos viven en subredes privadas: pueden
  descargar imágenes y parches a través de un NAT gateway, pero nada en
  internet puede iniciar una conexión hacia ellas.

  @id:net-private-egress-nat @puntos:10
  Escenario: Las subredes privadas salen a internet solo a través de un NAT gateway
    Pista: asocia a cada subred privada una tabla de rutas cuya ruta 0.0.0.0/0
    vaya a un aws_nat_gateway (no al aws_internet_gateway), y coloca ese NAT
    en una subred pública, que sí tiene ruta al internet gateway. Una subred
    que usa la tabla principal de la VPC hereda sus rutas.

    Dadas las subredes privadas
    Entonces cada una sale a internet solo a través de un NAT gateway
    Y ninguna asigna IP pública al lanzar
