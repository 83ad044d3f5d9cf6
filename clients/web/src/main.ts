document.getElementById("app")!.textContent = "Uuro";
