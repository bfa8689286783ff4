"""Docker images for model versions (DESIGN §7): the base image (base.py builds a stand-in where
no registry can be reached), a model's wheelhouse resolved on the host (wheelhouse.py), the
build context with its generated Dockerfile (context.py), and Docker-valid names (names.py).
The build itself, with its catalog record and log, is sqlgate/executors/docker_build.py."""
