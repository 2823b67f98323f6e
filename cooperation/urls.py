"""URLs of the cooperation app: public pages (urls_public) and member workflows (urls_manage)."""

from cooperation.urls_manage import urlpatterns as manage_patterns
from cooperation.urls_public import urlpatterns as public_patterns

app_name = "cooperation"

urlpatterns = public_patterns + manage_patterns
