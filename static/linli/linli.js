// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", function (evt) {
  const box = document.querySelector(".messages") || document.querySelector("main");
  if (!box) return;
  const p = document.createElement("p");
  p.className = "msg msg-error";
  p.textContent = document.documentElement.lang === "en"
    ? "The request failed (" + evt.detail.xhr.status + "). Please try again."
    : "请求失败（" + evt.detail.xhr.status + "），请重试。";
  box.prepend(p);
});
