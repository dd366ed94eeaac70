#!/usr/bin/env python3
"""Runs pyconnectwise, a ConnectWise client generated from ConnectWise's official OpenAPI spec, against
`cwql sim`, as a user of that client would: a full read of every ticket with `paginated(1, 1000).all()`,
every record of the first release's resources parsed into its official model, and one page of every
list endpoint of the spec parsed likewise. Exit 0 when everything parsed and every page was read.

    python3 -m venv /tmp/pcw && /tmp/pcw/bin/pip install pyconnectwise==0.6.1.2
    swift build -c release --product cwql
    /tmp/pcw/bin/python scripts/check_with_pyconnectwise.py --cwql .build/release/cwql --tickets 20000

The client only speaks https; the check points it at the simulator's plain http by overriding the two
methods that build its URLs, and changes nothing else.
"""
import argparse, json, os, re, socket, subprocess, sys, time

from pyconnectwise import ConnectWiseManageAPIClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST_RELEASE = [
    "/service/tickets", "/service/tickets/{id}/notes", "/service/tickets/{id}/allNotes", "/service/boards",
    "/service/boards/{id}/statuses", "/service/priorities", "/company/companies", "/company/contacts",
    "/company/configurations", "/company/configurations/types", "/finance/agreements",
    "/finance/agreements/{id}/additions", "/time/entries", "/project/projects", "/project/tickets",
    "/sales/opportunities", "/system/members",
]


class LocalClient(ConnectWiseManageAPIClient):
    """pyconnectwise's client with http instead of https, for a simulator on loopback."""

    def _get_url(self):
        return f"http://{self.manage_url}/{self.codebase.strip('/')}/apis/3.0"

    def _try_get_codebase_from_api(self, manage_url, company_name, headers):
        import requests
        reply = requests.get(f"http://{manage_url}/login/companyinfo/{company_name}", headers=headers, timeout=30)
        return reply.json()["Codebase"]


def endpoint(client, template, first_ids):
    """`client.service.tickets.id(3).all_notes` for `/service/tickets/{id}/allNotes`. pyconnectwise
    ships some endpoint classes that no parent registers (`SystemMycompanyOtherEndpoint`); those are
    built from their class, as its own parents build them."""
    import importlib
    node, path, name = client, "", ""
    for segment in template.strip("/").split("/"):
        name += "Id" if segment == "{id}" else segment[:1].upper() + segment[1:].lower()
        attribute = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", segment).lower()
        if segment == "{id}":
            id_ = first_ids.get(path, 1)
            child = node.id(id_) if hasattr(node, "id") else None
            path += "/" + str(id_)
        else:
            child = getattr(node, attribute, None)
            path += "/" + segment
        if child is None:
            module = importlib.import_module("pyconnectwise.endpoints.manage." + name + "Endpoint")
            child = getattr(module, name + "Endpoint")(client, parent_endpoint=node)
            if segment == "{id}":
                child._id = id_
        node = child
    return node, path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cwql", default=os.path.join(ROOT, ".build", "release", "cwql"))
    parser.add_argument("--tickets", type=int, default=20000)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim = subprocess.Popen([args.cwql, "sim", "--port", str(port), "--tickets", str(args.tickets)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        print(sim.stdout.readline().strip())
        client = LocalClient("demo", f"127.0.0.1:{port}", "00000000-0000-4000-8000-000000000000",
                             "demo-public", "demo-private-key-0123456789")
        failures = []
        started = time.time()
        tickets = list(client.service.tickets.paginated(1, 1000).all())
        ids = [t.id for t in tickets]
        print(f"paginated(1, 1000).all() on /service/tickets: {len(tickets)} tickets in {time.time() - started:.1f} s")
        if len(tickets) != args.tickets or len(set(ids)) != len(ids):
            failures.append(f"/service/tickets: read {len(tickets)} of {args.tickets} tickets")

        first_ids = {}
        for template in FIRST_RELEASE:
            try:
                node, path = endpoint(client, template, first_ids)
                records = list(node.paginated(1, 1000).all())
                if records:
                    first_ids[path] = records[0].id
                print(f"  {path}: {len(records)} records parsed into {type(records[0]).__name__ if records else '-'}")
            except Exception as error:  # a validation error names the model and field
                failures.append(f"{template}: {str(error)[:300]}")

        facts = json.load(open(os.path.join(ROOT, "spec", "connectwise", "api-facts.json")))
        lists = [e for e in facts["endpoints"] if e["list"] and "GET" in e["methods"]]
        parsed = 0
        unloadable = []
        for fact in sorted(lists, key=lambda e: e["path"]):
            try:
                node, path = endpoint(client, fact["path"], first_ids)
                records = node.get(params={"pageSize": 1000})
                if records and hasattr(records[0], "id") and records[0].id:
                    first_ids[path] = records[0].id
                parsed += 1
            except ImportError as error:
                # pyconnectwise ships the endpoint but not its model: the client cannot load it.
                unloadable.append(fact["path"])
            except (AttributeError, ModuleNotFoundError) as error:
                failures.append(f"{fact['path']}: pyconnectwise has no such endpoint ({error})")
            except Exception as error:
                failures.append(f"{fact['path']}: {str(error)[:300]}")
        print(f"every list endpoint of the spec: {parsed} of {len(lists)} answered and parsed; "
              f"{len(unloadable)} that pyconnectwise cannot load (it lacks their models): {', '.join(unloadable)}")
        for failure in failures:
            print("FAIL", failure)
        print("ok" if not failures else f"{len(failures)} failures")
        return 0 if not failures else 1
    finally:
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    sys.exit(main())
