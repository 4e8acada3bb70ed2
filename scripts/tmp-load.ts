(async () => {
  const base = "http://127.0.0.1:3412";
  const res = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ email: process.argv[2], password: "Demo-Passwort-2026" }), redirect: "manual", headers: { Origin: base } });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  for (const page of process.argv.slice(3)) {
    for (let i = 0; i < 50; i++) await (await fetch(base + page, { headers: { cookie } })).arrayBuffer();
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 300; i++) { const t = performance.now(); const r = await fetch(base + page, { headers: { cookie } }); size = (await r.arrayBuffer()).byteLength; times.push(performance.now() - t); }
    times.sort((a, b) => a - b);
    console.log(page.padEnd(20), "median", times[150].toFixed(2), "p95", times[285].toFixed(2), "bytes", size);
  }
})();
