"""The service: routes, services, schemas and models, one module per resource."""
