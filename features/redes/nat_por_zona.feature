# language: es
@actividad:redes
Característica: Cada zona sale a internet por su propio NAT gateway
  Un NAT gateway vive en una sola zona de disponibilidad. Si todas las
  subredes privadas salen por el mismo, la caída de su zona deja sin internet
  también a las demás (las tareas no pueden bajar su imagen ni leer sus
  secretos), y el tráfico que cruza de zona se paga aparte.

  @id:net-nat-per-az @puntos:1 @bonus
  Escenario: Cada subred privada sale por un NAT gateway de su misma zona
    Pista: crea un aws_nat_gateway por zona, cada uno en la subred pública de
    esa zona (count = length(aws_subnet.publica)), y una tabla de rutas privada
    por zona cuya ruta 0.0.0.0/0 vaya al NAT de su zona. Un solo NAT es más
    barato, y para el curso basta.

    Dadas las subredes privadas
    Entonces cada una sale por un NAT gateway de su misma zona
