from django.http import HttpResponse


def _stub(request, *a, **k):
    return HttpResponse("")


device_list = device_detail = device_new = alarm_list = alarm_detail = alarm_step = ingest_status = http_ingest = _stub
