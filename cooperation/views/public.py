from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def partner_index(request: HttpRequest) -> HttpResponse:
    return render(request, "cooperation/partner_index.html")


def call_index(request: HttpRequest) -> HttpResponse:
    return render(request, "cooperation/call_index.html")
