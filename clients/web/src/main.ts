// The Uuro web app: one page, served by uurod, speaking its Connect API.
import "@utrecht/component-library-css/dist/index.css";
import "@utrecht/design-tokens/dist/index.css";
import "./theme.css";
import "./app.css";
import { app } from "./app";
import { councilPage } from "./pages/council";
import { homePage } from "./pages/home";
import { initiativePage } from "./pages/initiative";
import { initiativesPage } from "./pages/initiatives";
import { joinPage } from "./pages/join";
import { keyPage } from "./pages/key";
import { logPage } from "./pages/log";
import { mePage } from "./pages/me";
import { ownerPage } from "./pages/owner";
import { proposePage } from "./pages/propose";
import { receiptPage } from "./pages/receipt";

app.register("", homePage);
app.register("initiatives", initiativesPage);
app.register("initiative", initiativePage);
app.register("join", joinPage);
app.register("me", mePage);
app.register("receipt", receiptPage);
app.register("owner", ownerPage);
app.register("propose", proposePage);
app.register("council", councilPage);
app.register("log", logPage);
app.register("key", keyPage);

window.addEventListener("hashchange", () => void app.show());
void app.show();
