// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", function (evt) {
  const box = document.querySelector(".messages") || document.querySelector("main");
  if (!box) return;
  const p = document.createElement("p");
  p.className = "msg msg-error";
  // the message comes translated from the page (templates/base.html), the status code is appended
  p.textContent = document.body.dataset.requestFailed + " (" + evt.detail.xhr.status + ")";
  box.prepend(p);
});
