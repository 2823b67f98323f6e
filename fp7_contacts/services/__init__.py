"""Every write of the contact points app (``<entity>_<action>``), and the routing rule."""
