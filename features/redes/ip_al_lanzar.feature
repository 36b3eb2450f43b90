# language: es
@actividad:redes
Característica: Las subredes privadas no dan IP pública a lo que arranca en ellas
  Con map_public_ip_on_launch, cada interfaz de red que nace en la subred
  recibe una IP pública. En una subred privada esa IP no sirve para salir
  (la ruta va al NAT gateway), pero sí expone la interfaz el día que alguien
  añade una ruta al internet gateway.

  @id:net-private-no-auto-public-ip @puntos:2
  Escenario: Las subredes privadas no asignan IP pública al lanzar
    Pista: quita map_public_ip_on_launch de las subredes privadas (Terraform
    lo deja desactivado si no se dice) o ponlo a false; déjalo a true solo en
    las públicas, las del NAT gateway y el balanceador.

    Dadas las subredes privadas
    Entonces ninguna asigna IP pública al lanzar
