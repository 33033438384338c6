"""Exchange with municipal and partner systems: a decision as a FHIR R4 Bundle or as the ZGW
Zaken API 1.5.1 documents to POST, and a partner's FHIR Tasks read back as dls events.

>>> import dls, json
>>> pilot = dls.demo.haarlemmermeer()
>>> decision = dls.Router(pilot.rules).route(pilot.cases[0])
>>> bundle = dls.exchange.fhir_bundle(decision, pilot.directory)
>>> bundle["resourceType"], bundle["type"]
('Bundle', 'collection')
>>> [e["activity"] for e in dls.exchange.fhir_import(json.dumps(bundle))["events"]][:1]
['referred']
"""

from dls._dls import fhir_bundle, fhir_import, zgw_zaken

__all__ = ["fhir_bundle", "fhir_import", "zgw_zaken"]
