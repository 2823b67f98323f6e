# EU-Russia STI Cooperation Portal: one image for the web process, the Celery worker and beat.
#
#   docker build -t eu-russia-sti-portal .
#   docker compose up            (see docker-compose.yml and README.md)
#
# The image defaults to production settings (DJANGO_DEBUG=0): it refuses to start without
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
FROM python:3.11-slim

# The code runs from the source tree in /app (settings find templates/, static/ and locale/ next
# to the portal package), so /app comes first on the import path (PYTHONPATH).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=portal.settings \
    DJANGO_DEBUG=0 \
    PORTAL_VAR_DIR=/app/var

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes. At this
# point no package sources are copied, so `pip install .` installs what pyproject.toml declares
# (Django, Celery, gunicorn, psycopg2-binary, ...) and an empty distribution for the project.
COPY pyproject.toml README.md ./
RUN pip install .

# An unprivileged user. The code stays owned by root and read-only for it; only var/ (media, file
# mail, filesystem broker) is writable.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin portal

COPY . .

# Compile the catalogues (pure Python, no GNU gettext) and collect static files with the
# production storage (hashed names + manifest, served by WhiteNoise). DJANGO_DEBUG=0 needs a
# secret key, allowed hosts and a database URL to import settings: throwaway values, for this
# step only (neither command connects to a database).
RUN DJANGO_SECRET_KEY=build-only-throwaway-key-never-used-at-runtime \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build.invalid/none \
    sh -c 'python manage.py compile_translations && python manage.py collectstatic --noinput' \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R portal:portal /app/var \
    && chown -R root:root /app/var/staticfiles

USER portal

EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
