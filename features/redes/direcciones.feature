# language: es
@actividad:redes
Característica: El plan de direcciones de la VPC es uno que AWS acepta
  AWS rechaza una subred que no cabe en su VPC, que se solapa con otra o que
  no es una dirección de red, pero solo al hacer apply: terraform plan no lo
  ve, y el apply se queda a medias, con la VPC creada y sin sus subredes.

  @id:net-cidr-valid @puntos:2
  Escenario: Las subredes caben en su VPC sin solaparse
    Pista: calcula los bloques con cidrsubnet(aws_vpc.main.cidr_block, 8,
    count.index) (y otro número para cada capa, p. ej. count.index + 10 para
    las privadas) en vez de escribirlos a mano; la VPC y cada subred deben ir
    de /16 a /28.

    Dadas las VPC
    Entonces sus subredes caben en ellas sin solaparse
