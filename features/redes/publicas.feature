# language: es
@actividad:redes
Característica: Las subredes públicas salen a internet por el internet gateway
  El NAT gateway y el balanceador viven en las subredes públicas, y solo
  funcionan si esas subredes llevan 0.0.0.0/0 al internet gateway conectado
  a su propia VPC: sin esa ruta el NAT no saca a nadie a internet y el
  balanceador no recibe a nadie.

  @id:net-public-igw @puntos:3
  Escenario: Las subredes públicas salen a internet por un internet gateway de su VPC
    Pista: crea un aws_internet_gateway con vpc_id = aws_vpc.x.id, una tabla
    de rutas con route { cidr_block = "0.0.0.0/0", gateway_id =
    aws_internet_gateway.x.id } y asóciala (aws_route_table_association) a
    cada subred pública: la del NAT gateway y las del balanceador.

    Dadas las subredes que deben ser públicas
    Entonces cada una sale a internet por un internet gateway de su VPC
