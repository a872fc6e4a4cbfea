// The client bundle: it calls our own backend route, never the weather API,
// so it holds no key. `secrets doctor` scans this folder (item 3).
export async function showWeather(city) {
  const res = await fetch(`/api/weather?city=${encodeURIComponent(city)}`);
  const data = await res.json();
  document.querySelector("#weather").textContent = `${data.city}: ${data.tempC} °C`;
}
