#!/usr/bin/python3
"""Writes the multipart fuzz target's seed corpus (first line: Content-Type, then the body)
into the directory given: what python-requests, curl and browsers send, plus edge cases."""
import os
import sys

B = "XyZ"
TYPE = f"multipart/form-data; boundary={B}\n"
SEEDS = {
    "requests_two_files": TYPE + f"--{B}\r\nContent-Disposition: form-data; name=\"images\"; "
    f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--{B}\r\n"
    f"Content-Disposition: form-data; name=\"images\"; filename=\"b.jpg\"\r\n\r\n\xff\xd8\xff"
    f"\r\n--{B}--\r\n",
    "form_value": TYPE + f"--{B}\r\nContent-Disposition: form-data; name=min_score\r\n\r\n0.5"
    f"\r\n--{B}--",
    "quoted_boundary": "multipart/form-data; boundary=\"a b;c\"\n--a b;c\r\n"
    "Content-Disposition: form-data; name=\"x\"; filename=\"q\\\"uote\"\r\n\r\nv\r\n--a b;c--",
    "preamble_epilogue": TYPE + f"preamble\r\n--{B}\r\n\r\nno headers\r\n--{B}--\r\nepilogue",
    "unterminated": TYPE + f"--{B}\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue",
    "empty": TYPE + f"--{B}--",
}

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(text.encode("latin-1"))
