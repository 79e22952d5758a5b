"""Sync a CSV export into Rapport: python sync_directory.py people.csv [--dry-run]"""
import csv, json, os, sys, urllib.error, urllib.request

with open(sys.argv[1], newline="", encoding="utf-8") as file:
    people = [{k: v for k, v in row.items() if v} for row in csv.DictReader(file)]
body = {"people": people, "deactivate_missing": True, "dry_run": "--dry-run" in sys.argv}
request = urllib.request.Request(f"{os.environ['RAPPORT_URL']}/v1/directory/sync", json.dumps(body).encode(),
    {"Authorization": f"Bearer {os.environ['RAPPORT_KEY']}", "Content-Type": "application/json"})
try: print(json.dumps(json.load(urllib.request.urlopen(request)), indent=2))
except urllib.error.HTTPError as error: sys.exit(error.read().decode())
