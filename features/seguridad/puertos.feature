# language: es
@actividad:seguridad
Característica: Ningún puerto de administración está abierto a internet
  SSH (22) y RDP (3389) son lo primero que prueban los escáneres de internet,
  minutos después de que una IP pública aparece. Un grupo de seguridad que los
  abre a 0.0.0.0/0, o que abre todos los puertos, deja entrar a cualquiera que
  adivine o robe una credencial.

  @id:sg-no-admin-ports @puntos:3
  Escenario: Ningún grupo de seguridad admite SSH, RDP ni todos los puertos desde internet
    Pista: quita las reglas de entrada desde 0.0.0.0/0 (o ::/0) al 22 o al
    3389, y las de protocol = "-1": ese protocolo abre todos los puertos
    aunque from_port y to_port digan 0. Para entrar a depurar, limita el
    origen a tu IP (/32) o a un grupo de seguridad, o usa ECS Exec, que no
    abre ningún puerto. Solo el balanceador da la cara a internet, y solo en
    el 80 y el 443.

    Dados los grupos de seguridad
    Entonces ninguno admite SSH, RDP ni todos los puertos desde internet
